"""allauth's login rate limits, counted in a real shared cache (Redis).

ACCOUNT_RATE_LIMITS["login_failed"] = "10/m/ip,5/5m/key": the 11th failed login within a minute
from one address is refused, and so is the 6th for one account within five minutes, also when
the password is right. The site login and the admin login (which is allauth's) share the
counters, and so do all web processes, because they live in Redis.
"""

from __future__ import annotations

import pytest
from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import redis_url, require_service
from tests.factories import TEST_PASSWORD, UserFactory, VolunteerFactory

from .conftest import production_settings

pytestmark = [pytest.mark.django_db, pytest.mark.services]

ATTACKER = "198.51.100.7"
NEIGHBOUR = "198.51.100.8"


@pytest.fixture
def redis_cache(settings):
    """The default cache is Redis, as in production; yields a raw client on the same database."""
    import redis

    # A Redis database of its own: cleared before and after, never the broker's or the app's.
    url = redis_url("rate_limits")
    require_service("Redis", url)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    cache.clear()
    raw = redis.Redis.from_url(url)
    yield raw
    cache.clear()
    raw.close()


def login_url(entry: str) -> str:
    """The login form a person reaches from `entry`: the site's, or the admin's (whose
    /admin/login/ redirects to allauth's login with next=/admin/)."""
    if entry == "site":
        return reverse("account_login")
    response = Client().get(reverse("admin:login"))
    assert response.status_code == 302, "the admin login is allauth's"
    return response.url


def attempt(email: str, password: str, *, ip: str, entry: str = "site", **headers):
    """One login, from a fresh browser (its own Client: no shared session or cookies)."""
    client = Client(REMOTE_ADDR=ip, **headers)
    response = client.post(login_url(entry), {"login": email, "password": password})
    return client, response


def refused_as_too_many(response) -> bool:
    """What the person sees: the login form again, with allauth's 'too many attempts'."""
    if response.status_code != 200 or "form" not in (response.context or {}):
        return False
    with translation.override("de"):
        message = str(get_adapter().error_messages["too_many_login_attempts"])
    return response.context["form"].has_error("__all__", "too_many_login_attempts") and (
        message in response.content.decode()
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_logins(count: int, *, ip: str, entry: str = "site", prefix: str = "nobody") -> None:
    """`count` failed logins from `ip`, each for a different account (so that only the
    per-address limit counts)."""
    for n in range(count):
        client, response = attempt(f"{prefix}{n}@example.org", "wrong-password", ip=ip, entry=entry)
        assert response.status_code == 200, f"attempt {n + 1}: {response.status_code}"
        assert not refused_as_too_many(response), f"attempt {n + 1} already refused"
        assert not logged_in(client)


@pytest.mark.parametrize("entry", ["site", "admin"])
def test_the_eleventh_failed_login_within_a_minute_from_one_address_is_refused(entry, redis_cache):
    volunteer = VolunteerFactory()
    fail_logins(10, ip=ATTACKER, entry=entry)

    client, response = attempt(volunteer.email, TEST_PASSWORD, ip=ATTACKER, entry=entry)
    assert refused_as_too_many(response), "the 11th attempt (right password) was not refused"
    assert not logged_in(client)

    client, response = attempt(volunteer.email, TEST_PASSWORD, ip=NEIGHBOUR, entry=entry)
    assert response.status_code == 302, "another address is not affected"
    assert logged_in(client)


def test_the_counter_is_shared_by_the_site_and_the_admin_login_and_lives_in_redis(redis_cache):
    volunteer = VolunteerFactory()
    fail_logins(5, ip=ATTACKER, entry="admin", prefix="admin-try")
    fail_logins(5, ip=ATTACKER, entry="site", prefix="site-try")

    keys = [k.decode() for k in redis_cache.keys("*login_failed*")]
    assert keys, "no rate-limit counter in Redis"

    for entry in ("site", "admin"):
        client, response = attempt(volunteer.email, TEST_PASSWORD, ip=ATTACKER, entry=entry)
        assert refused_as_too_many(response), f"{entry}: the 11th attempt was not refused"
        assert not logged_in(client)


def test_the_sixth_failed_login_for_one_account_is_refused_from_any_address(redis_cache):
    target = VolunteerFactory()
    other = VolunteerFactory()
    for n in range(5):
        client, response = attempt(target.email, "wrong-password", ip=f"203.0.113.{n + 1}")
        assert not refused_as_too_many(response), f"attempt {n + 1} already refused"

    client, response = attempt(target.email, TEST_PASSWORD, ip="203.0.113.99")
    assert refused_as_too_many(response), "6th attempt on one account (right password) allowed"
    assert not logged_in(client)

    client, response = attempt(other.email, TEST_PASSWORD, ip="203.0.113.99")
    assert response.status_code == 302 and logged_in(client), "another account is not blocked"


def test_a_successful_login_does_not_reset_the_failed_counter(redis_cache):
    """An attacker who also knows one account cannot interleave good logins to keep going."""
    own = VolunteerFactory()
    fail_logins(9, ip=ATTACKER)
    client, response = attempt(own.email, TEST_PASSWORD, ip=ATTACKER)
    assert logged_in(client)
    fail_logins(1, ip=ATTACKER, prefix="after")
    client, response = attempt("one-more@example.org", "wrong-password", ip=ATTACKER)
    assert refused_as_too_many(response)


def test_too_many_login_requests_get_the_429_page(redis_cache):
    """Beyond allauth's default of 30 login POSTs per minute and address, the answer is 429."""
    for n in range(30):
        _, response = attempt(f"flood{n}@example.org", "wrong-password", ip=ATTACKER)
        assert response.status_code == 200, f"request {n + 1}: {response.status_code}"
    volunteer = VolunteerFactory()
    client, response = attempt(volunteer.email, TEST_PASSWORD, ip=ATTACKER)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_429_page_is_the_platforms_own_german_page(redis_cache):
    for n in range(31):
        _, response = attempt(f"flood{n}@example.org", "wrong-password", ip=ATTACKER)
    assert response.status_code == 429
    html = response.content.decode()
    assert 'lang="de"' in html and reverse("home") in html, html[:300]


def test_the_staff_second_factor_is_not_a_way_around_the_login_limit(redis_cache):
    """A staff password that is right still stops at the limit, before the TOTP step."""
    from backend.accounts.services import user_set_totp
    from tests.conftest import TOTP_SECRET

    staff = UserFactory(ki_staff=True)
    user_set_totp(user=staff, secret=TOTP_SECRET)
    fail_logins(10, ip=ATTACKER)
    client, response = attempt(staff.email, TEST_PASSWORD, ip=ATTACKER)
    assert refused_as_too_many(response)
    assert response.status_code == 200  # not the redirect to the TOTP step
    assert not logged_in(client)


def test_behind_the_production_proxy_each_visitor_has_their_own_address_limit(
    redis_cache, settings
):
    proxy = production_settings("ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxy["ALLAUTH_TRUSTED_PROXY_COUNT"] or 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = proxy["ALLAUTH_TRUSTED_CLIENT_IP_HEADER"]
    volunteer = VolunteerFactory()

    def through_proxy(email, password, *, client_ip, spoofed=""):
        # The proxy (127.0.0.1) appends the address it sees to X-Forwarded-For.
        forwarded = f"{spoofed}, {client_ip}" if spoofed else client_ip
        return attempt(email, password, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    for n in range(10):  # the attacker rotates a made-up first entry; the proxy's is real
        through_proxy(f"nobody{n}@example.org", "wrong", client_ip=ATTACKER, spoofed=f"10.9.9.{n}")
    client, response = through_proxy(volunteer.email, TEST_PASSWORD, client_ip=ATTACKER)
    assert refused_as_too_many(response), "the attacker escaped the limit with a forged header"

    client, response = through_proxy(volunteer.email, TEST_PASSWORD, client_ip=NEIGHBOUR)
    assert response.status_code == 302 and logged_in(client), (
        "a visitor at another address is locked out by someone else's failed logins"
    )
