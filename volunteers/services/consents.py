"""The consent ledger. The text a person agreed to is identified by the hash of its German
wording and by its material version (volunteers.models.people.CONSENT_MATERIAL_VERSIONS):
after a material change the person is asked again and the old consent no longer counts;
after an editorial change (a new hash, the same material version) it still counts."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from volunteers.models import Consent

# After a change of a text that alters what the person agrees to, raise its number in
# CONSENT_MATERIAL_VERSIONS (volunteers/models/people.py); for an editorial change, do not.
CONSENT_TEXTS = {
    Consent.Kind.CONTACT: _(
        "Ich bin einverstanden, dass Initiativen und das Kommunale Integrationszentrum mich "
        "über die Plattform zu passenden Hilfegesuchen anfragen. Dafür sehen sie meinen "
        "Vornamen, meinen Wohnort, meine Sprachen und Tätigkeitsbereiche. Meine Kontaktdaten "
        "erhalten nur Initiativen, deren Anfrage ich annehme. Ich kann die Einwilligung "
        "jederzeit mit einem Klick widerrufen."
    ),
    Consent.Kind.DIGEST: _(
        "Ich möchte einmal pro Woche eine E-Mail mit neuen Hilfegesuchen erhalten, die zu "
        "meinem Profil passen. Ich kann sie jederzeit abbestellen."
    ),
    Consent.Kind.PHONE: _(
        "Initiativen, bei denen ich bestätigt helfe, dürfen meine Telefonnummer sehen."
    ),
}


def consent_text_version(kind: str) -> str:
    """SHA-256 of the German text of this consent."""
    with translation.override("de"):
        text = str(CONSENT_TEXTS[kind])
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def consent_give(*, user, kind: str) -> Consent:
    """Record the consent to the current text; a no-op when it is already given to it."""
    version = consent_text_version(kind)
    material = Consent.current_material_version(kind)
    # Lock the person's row: a double click must not insert two open rows.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    current = Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).first()
    if current is not None:
        if current.text_version == version and current.material_version == material:
            return current
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
    return Consent.objects.create(
        user=user, kind=kind, text_version=version, material_version=material
    )


@transaction.atomic
def consent_withdraw(*, user, kind: str) -> bool:
    """Withdraw at once. Emails that need this consent and still wait in the outbox are not
    sent (the delivery checks the ledger). Returns whether there was something to withdraw."""
    return bool(
        Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
    )
