"""The one guarded helper for status changes (STYLE.md: no state-machine library).

    transition(obj, to=Model.Status.X, actor=user, note="...")

performs `UPDATE ... SET status = to WHERE pk = obj.pk AND status = obj.status`, raises
InvalidTransition when the table of allowed transitions forbids it or when no row changed (someone
else changed it first), and writes a StatusChange row.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .errors import InvalidTransition
from .models import StatusChange


@transaction.atomic
def transition(obj: models.Model, *, to: str, actor=None, note: str = "", **fields) -> None:
    current = obj.status
    allowed = type(obj).TRANSITIONS.get(current, set())
    if to not in allowed:
        raise InvalidTransition()
    changed = type(obj).objects.filter(pk=obj.pk, status=current).update(status=to, **fields)
    if not changed:
        raise InvalidTransition()
    obj.status = to
    for name, value in fields.items():
        if not isinstance(value, models.expressions.Combinable):
            setattr(obj, name, value)
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        from_status=current,
        to_status=to,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
    )
