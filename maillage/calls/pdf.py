"""The application's receipt (« récépissé de dépôt ») drawn by core's WeasyPrint renderer."""

from __future__ import annotations

from maillage.calls.models import Application
from maillage.calls.services import budget_totals
from maillage.core.pdf import render_pdf
from maillage.core.text import long_date


def receipt_pdf(application: Application) -> bytes:
    expenses, resources = budget_totals(application)
    return render_pdf(
        "calls/pdf_receipt.html",
        {
            "application": application,
            "call": application.call,
            "lines": application.budget_lines.all(),
            "expenses": expenses,
            "resources": resources,
            "submitted_on": long_date(application.submitted_at),
        },
    )
