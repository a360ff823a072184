"""The HTML side of DomainError: one place that turns it into what a person sees."""

from django.contrib import messages

from .errors import DomainError


def domain_error_to_form(form, exc: DomainError) -> None:
    """Show a DomainError at its field (or at the top of the form)."""
    if exc.errors:
        for name, messages in exc.errors.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
        return
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def domain_error_to_message(request, exc: DomainError) -> None:
    """For forms that are a single button: the error becomes a message on the next page."""
    messages.error(request, exc.message)
