"""KOMM-AN funding: programmes with their yearly pots, applications, decisions, payments and
proof of use."""

from .applications import (
    Application,
    Attachment,
    CostLine,
    DecisionLetter,
    InternalNote,
    Payment,
)
from .programmes import BuildingBlock, Pauschale, Programme, ProgrammeYear

__all__ = [
    "Application",
    "Attachment",
    "BuildingBlock",
    "CostLine",
    "DecisionLetter",
    "InternalNote",
    "Pauschale",
    "Payment",
    "Programme",
    "ProgrammeYear",
]
