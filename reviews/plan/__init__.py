"""The five-year plan: which fiscal year surveys each standard, locked years and moves by hand."""
