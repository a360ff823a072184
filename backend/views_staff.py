"""The KI team's start page: the work queue ("Aufgaben", backend/work_queue.py)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from backend.accounts.decorators import staff_required

from .work_queue import work_queue_for_staff


@require_safe
@never_cache
@staff_required
def work_queue(request):
    areas = work_queue_for_staff(user=request.user)
    return render(
        request,
        "staff/work_queue.html",
        {"areas": areas, "total": sum(area.count for area in areas)},
    )
