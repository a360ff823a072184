"""What gunicorn serves in the benchmark: the real application, with the URLconf swapped for
tests/bench/urls.py (the app's URLs plus /bench/trivial).

Settings come from the environment and only base.py reads it, so the benchmark cannot pick a
URLconf there. Django reads settings.ROOT_URLCONF afresh for every request, so setting it here,
after the application is loaded and before the first request, routes every request through the
benchmark URLconf while middleware, settings and views stay exactly as in production. The app's
own URLs never contain the trivial view.
"""

from django.conf import settings

from backend.wsgi import application

settings.ROOT_URLCONF = "tests.bench.urls"

__all__ = ["application"]
