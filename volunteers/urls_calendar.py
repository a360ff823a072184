"""The personal calendar feed (secret token URL) and its reset."""

urlpatterns: list = []
