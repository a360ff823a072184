"""factory_boy factories. One Trait per status where a model has one."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from backend.accounts.models import User
from volunteers.models import Membership, Organisation, Town, VolunteerProfile
from volunteers.services.reference import town_distances_refresh

TEST_PASSWORD = "correct-horse-battery-staple"


def split_name(full_name: str) -> tuple[str, str]:
    """ "Dr. Leonie Leitung" -> ("Dr. Leonie", "Leitung"), as the accounts migration splits."""
    first, _sep, last = " ".join(full_name.split()).rpartition(" ")
    return (first, last) if first else (last, "")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Maybe(
        "full_name",
        yes_declaration=factory.LazyAttribute(lambda o: split_name(o.full_name)[0]),
        no_declaration=factory.Faker("first_name", locale="de_DE"),
    )
    last_name = factory.Maybe(
        "full_name",
        yes_declaration=factory.LazyAttribute(lambda o: split_name(o.full_name)[1]),
        no_declaration=factory.Faker("last_name", locale="de_DE"),
    )
    role = User.Role.MEMBER
    language = "de"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    class Params:
        # UserFactory(full_name="Anna Beispiel"): first and last name from one string.
        full_name = None
        # UserFactory(nameless=True): an account without a name (made before names were asked).
        nameless = factory.Trait(first_name="", last_name="")
        ki_staff = factory.Trait(role=User.Role.KI_STAFF)
        ki_lead = factory.Trait(role=User.Role.KI_LEAD)
        admin = factory.Trait(role=User.Role.ADMIN, is_staff=True, is_superuser=True)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ["name"]
        skip_postgeneration_save = True

    name = "Ahlen"
    slug = factory.LazyAttribute(lambda o: o.name.lower())
    kind = Town.Kind.STADT
    postal_codes = ["59227", "59229"]
    latitude = "51.76300"
    longitude = "7.89100"

    @factory.post_generation
    def distances(obj, create, extracted, **kwargs):
        """Matching joins the town-to-town distance table: keep it complete for made towns."""
        if create:
            town_distances_refresh()


class VolunteerFactory(UserFactory):
    profile = factory.RelatedFactory(
        "tests.factories.VolunteerProfileFactory", factory_related_name="user"
    )


class VolunteerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerProfile

    user = factory.SubFactory(UserFactory)
    town = factory.SubFactory(TownFactory)
    onboarding_completed_at = factory.LazyFunction(timezone.now)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Initiative {n}")
    kind = Organisation.Kind.INITIATIVE
    town = factory.SubFactory(TownFactory)
    contact_email = "kontakt@example.org"
    verified_at = factory.LazyFunction(timezone.now)

    class Params:
        unverified = factory.Trait(verified_at=None)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
