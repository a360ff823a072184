"""Access-matrix rows of the public directory (/verzeichnis/..., /api/v1/directory/...):
everything is public and read-only; what is not public (a hidden offer, an organisation not
yet verified) does not exist for anyone here, KI staff included (they see it in their own
pages).

The world has no directory objects; the rows make what they need from world.town (Ahlen) and
world.org_x / world.org_y_pending, once per world (kept in world.extra)."""

from __future__ import annotations

from django.utils import timezone

from .access_matrix import Row, everyone, read_only_api

PAGE = {"GET": everyone(200), "POST": everyone(405)}
GONE = {"GET": everyone(404), "POST": everyone(405)}


def _offer(w, key: str = "directory_offer_x", **fields):
    """A weekly offer of organisation X in Ahlen (speaking Arabic), made once per world."""
    if key not in w.extra:
        from directory.models import Offer, OfferLanguage

        offer = Offer.objects.create(
            organisation=fields.pop("organisation", w.org_x),
            town=w.town,
            title="Sprachcafé",
            kind=Offer.Kind.SPRACHCAFE,
            description="Deutsch sprechen bei Tee",
            place="Stadtbücherei",
            weekday=1,
            contact_email="cafe@example.org",
            **fields,
        )
        OfferLanguage.objects.create(offer=offer, code="ar")
        w.extra[key] = offer
    return w.extra[key]


def _hidden_offer(w):
    return _offer(w, "directory_offer_hidden", hidden_at=timezone.now(), hidden_reason="Test")


def _pending_offer(w):
    return _offer(w, "directory_offer_pending", organisation=w.org_y_pending)


ROWS: list[Row] = [
    Row("directory:index", PAGE),
    Row("directory:search", PAGE, note="an empty query answers 200 with a message"),
    Row(
        "directory:town",
        PAGE,
        kwargs=lambda w: (_offer(w), {"slug": w.town.slug})[1],
        label="directory:town (Ahlen)",
    ),
    Row(
        "directory:town",
        GONE,
        kwargs=lambda w: {"slug": "atlantis"},
        label="directory:town (unknown)",
    ),
    Row(
        "directory:town_ics",
        PAGE,
        kwargs=lambda w: (_offer(w), {"slug": w.town.slug})[1],
        note="public offers only; the same for everyone (cacheable)",
    ),
    Row("directory:topic", PAGE, kwargs=lambda w: {"kind": "sprachcafe"}),
    Row("directory:language", PAGE, kwargs=lambda w: {"code": "ar"}),
    Row(
        "directory:organisation",
        PAGE,
        kwargs=lambda w: {"pk": w.org_x.pk},
        label="directory:organisation (verified, X)",
    ),
    Row(
        "directory:organisation",
        GONE,
        kwargs=lambda w: {"pk": w.org_y_pending.pk},
        label="directory:organisation (unverified, of Y)",
        note="not public until the KI verifies it, for coordinators and staff alike",
    ),
    Row(
        "directory:offer",
        PAGE,
        kwargs=lambda w: {"pk": _offer(w).pk},
        label="directory:offer (public, of X)",
    ),
    Row(
        "directory:offer",
        GONE,
        kwargs=lambda w: {"pk": _hidden_offer(w).pk},
        label="directory:offer (hidden by the KI)",
    ),
    Row(
        "directory:offer",
        GONE,
        kwargs=lambda w: {"pk": _pending_offer(w).pk},
        label="directory:offer (of an unverified organisation)",
    ),
    # --- API ----------------------------------------------------------------------------------
    Row(
        "v1:directory-offer-list",
        read_only_api(everyone(200), refused=everyone(405)),
        kwargs=lambda w: (_offer(w), {})[1],
    ),
    Row(
        "v1:directory-offer-detail",
        read_only_api(everyone(200), refused=everyone(405)),
        kwargs=lambda w: {"pk": _offer(w).pk},
        label="v1:directory-offer-detail (public, of X)",
    ),
    Row(
        "v1:directory-offer-detail",
        read_only_api(everyone(404), refused=everyone(405)),
        kwargs=lambda w: {"pk": _hidden_offer(w).pk},
        label="v1:directory-offer-detail (hidden by the KI)",
    ),
    Row(
        "v1:directory-offer-detail",
        read_only_api(everyone(404), refused=everyone(405)),
        kwargs=lambda w: {"pk": _pending_offer(w).pk},
        label="v1:directory-offer-detail (of an unverified organisation)",
    ),
    Row("v1:directory-organisation-list", read_only_api(everyone(200), refused=everyone(405))),
    Row("v1:directory-town-list", read_only_api(everyone(200), refused=everyone(405))),
]
