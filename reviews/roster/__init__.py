"""The roster step: a file of the people who answer, read and run the survey makes their accounts,
roles and routing rules (reviews.roster.services.roster_import), with the coverage it leaves."""
