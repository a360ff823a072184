"""Writes of the volunteers app, one module per area. Services check permissions themselves,
change status only through backend.status.transition, and enqueue work after commit."""
