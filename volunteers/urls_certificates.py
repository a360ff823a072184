"""Teilnahmebescheinigungen: download, public verification, staff issuing and revoking."""

urlpatterns: list = []
