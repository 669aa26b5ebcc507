"""Procurement specifications kept with the JIS they cite: uploads, scans on the worker, results."""
