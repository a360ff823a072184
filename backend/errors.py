"""Domain errors. Services raise these; the API maps them to 422/409 and HTML views to form
errors, each in one place."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain was broken by the request. Maps to HTTP 422: the request was
    well-formed (400 is for requests that do not fit the API's schema), its content is not
    acceptable."""

    status_code = 422
    default_message = _("Die Anfrage ist ungültig.")

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ):
        """`errors` names several problems at once ({field or "__all__": [messages]}), e.g.
        everything that keeps an application from being submitted."""
        self.message = message or str(self.default_message)
        self.field = field
        self.errors = errors or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    """Input that is well-formed but not acceptable (HTTP 422)."""


class ConflictError(DomainError):
    """The current state of the data does not allow the change (HTTP 409)."""

    status_code = 409
    default_message = _("Die Änderung passt nicht zum aktuellen Stand.")


class InvalidTransition(ConflictError):
    """A status change that is not allowed from the current status."""

    default_message = _("Dieser Statuswechsel ist im aktuellen Zustand nicht möglich.")


class CapacityExceeded(ConflictError):
    """A scarce resource (seat, helper slot, budget) is used up."""

    default_message = _("Es ist keine Kapazität mehr frei.")
