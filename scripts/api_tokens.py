"""API tokens for the scripts' HTTP clients, made in this one place so a change of token model or
service is made here alone."""


def make_token(user) -> str:
    """A new API token for `user`, as its client sends it: `Authorization: Token <this>`."""
    # Imported here: the scripts set Django up only after reading their own arguments.
    from accounts.api_tokens import api_token_create

    return api_token_create(user=user)[1]
