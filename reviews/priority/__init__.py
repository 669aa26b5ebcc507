"""Priority standards: the rule's verdict on each standard, kept fresh as the catalog and the
survey change, and the ministry screens and API that list them."""
