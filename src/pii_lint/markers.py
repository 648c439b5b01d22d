"""Zero-dependency marker for ``Annotated`` personal-data tags.

    from typing import Annotated
    from pii_lint.markers import PersonalData

    email: Annotated[str, PersonalData("contact.email")]

pii-lint reads the marker statically; at run time it only records the categories.
"""

__all__ = ["PersonalData", "PII"]


class PersonalData:
    __slots__ = ("categories",)

    def __init__(self, *categories: str) -> None:
        self.categories = categories

    def __repr__(self) -> str:
        return f"PersonalData({', '.join(map(repr, self.categories))})"


PII = PersonalData
