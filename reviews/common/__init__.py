"""What every step of the review shares: the survey-data scoping rule, the API's permission classes
and error body, and the choice between Japanese and English labels."""
