"""Survey figures and charts: progress, burn-down and answers. It reads every other step; nothing
imports it but the URL configuration."""
