"""Translation markers. `N_` marks a string for the catalogue without translating it
now: labels are translated when shown, in the viewer's language."""


def N_(text: str) -> str:
    return text
