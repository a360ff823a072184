"""Figures per town: a town administration's own town (/kommune/) and, for KI staff, every
town side by side with charts and exports (/verwaltung/verzeichnis/zahlen/). Counts only,
never a person (directory.selectors_figures)."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from backend.accounts.decorators import staff_required
from backend.accounts.roles import is_municipal
from volunteers.models import Town

from . import exports
from .charts import town_charts
from .models import MunicipalAccess
from .permissions import can_see_town_figures
from .selectors_figures import all_towns_figures, town_figures

# Query parameters that name a town: naming any other than one's own answers 404.
TOWN_PARAMETERS = ("town", "ort")


ALL_YEARS = "alle"


def _coerce_year(value: str) -> int | None:
    return None if value == ALL_YEARS else int(value)


class FiguresYearForm(forms.Form):
    """The year filter: next year, this year and the four before, or every year ("alle")."""

    YEARS_BACK = 5

    year = forms.TypedChoiceField(label=_("Jahr"), coerce=_coerce_year)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = timezone.localdate().year
        self.fields["year"].choices = [(ALL_YEARS, _("alle Jahre"))] + [
            # Next year too: KOMM-AN calls for next year's funding year open in autumn.
            (year, str(year))
            for year in range(current + 1, current - self.YEARS_BACK, -1)
        ]


def _year_filter(request) -> tuple[FiguresYearForm, int | None]:
    """The year asked for; without a (valid) choice, this calendar year."""
    if "year" in request.GET:
        form = FiguresYearForm(request.GET)
        if form.is_valid():
            return form, form.cleaned_data["year"]
    current = timezone.localdate().year
    return FiguresYearForm(initial={"year": current}), current


def _year_param(year: int | None) -> str:
    """The year as the filter writes it into a URL (for the export links)."""
    return ALL_YEARS if year is None else str(year)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Town administrations --------------------------------------------------------------------


def municipal_required(view_func):
    """Anonymous -> login; any account but a town administration's -> 403."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_municipal(request.user):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def _own_town(request, slug: str | None = None) -> Town | None:
    """The town the account may see, or None when none is set up yet. Another town in the URL
    or in a query parameter answers 404 (the same as a town that does not exist)."""
    access = MunicipalAccess.objects.select_related("town").filter(user=request.user).first()
    if access is None:
        if slug is not None or any(request.GET.get(name) for name in TOWN_PARAMETERS):
            raise Http404
        return None
    town = access.town
    named = [slug] if slug is not None else []
    named += [request.GET[name] for name in TOWN_PARAMETERS if request.GET.get(name)]
    if any(value != town.slug for value in named):
        raise Http404
    if not can_see_town_figures(request.user, town):
        raise Http404
    return town


@require_safe
@never_cache
@municipal_required
def municipal_figures(request, town: str | None = None):
    own = _own_town(request, town)
    if own is None:
        return render(request, "directory/figures/no_access.html")
    form, year = _year_filter(request)
    return render(
        request,
        "directory/figures/town.html",
        {
            "form": form,
            "form_action": request.path,
            "year": year,
            "town": own,
            "figures": town_figures(own, year),
            "year_param": _year_param(year),
            "is_staff_view": False,
        },
    )


@require_safe
@never_cache
@municipal_required
def municipal_figures_export(request):
    own = _own_town(request)
    if own is None:
        raise Http404
    _form, year = _year_filter(request)
    return _download(
        exports.town_csv(own, year), exports.CSV_CONTENT_TYPE, exports.filename("csv", year, own)
    )


# --- KI staff ---------------------------------------------------------------------------------


@require_safe
@never_cache
@staff_required
def staff_figures(request):
    form, year = _year_filter(request)
    overview = all_towns_figures(year)
    return render(
        request,
        "directory/figures/overview.html",
        {
            "form": form,
            "year": year,
            "year_param": _year_param(year),
            "overview": overview,
            "charts": town_charts(overview),
        },
    )


@require_safe
@never_cache
@staff_required
def staff_town_figures(request, town: str):
    selected = get_object_or_404(Town, slug=town)
    if not can_see_town_figures(request.user, selected):
        raise Http404
    form, year = _year_filter(request)
    return render(
        request,
        "directory/figures/town.html",
        {
            "form": form,
            "form_action": request.path,
            "year": year,
            "town": selected,
            "figures": town_figures(selected, year),
            "year_param": _year_param(year),
            "is_staff_view": True,
        },
    )


@require_safe
@never_cache
@staff_required
def staff_figures_export(request, fmt: str):
    """All towns side by side: fmt "csv" (one table) or "xlsx" (with the breakdowns)."""
    _form, year = _year_filter(request)
    if fmt == "csv":
        return _download(
            exports.overview_csv(year), exports.CSV_CONTENT_TYPE, exports.filename("csv", year)
        )
    if fmt == "xlsx":
        return _download(
            exports.overview_xlsx(year), exports.XLSX_CONTENT_TYPE, exports.filename("xlsx", year)
        )
    raise Http404
