"""Customer invoices as documents people keep: numbered, dated, with agency, terms and hours.

One invoice per customer of an agency for the exported period. The number is the agency's id,
the period's last date and the customer's place in that agency's sorted customer list
(`KENNESAW-GA-20261213-003`), so the same store and period always give the same numbers. The
same invoices render as one printable HTML page and as a PDF (one page or more per invoice).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from scheduler.agencies import resolve_agency
from store.billing import InvoiceItem

# ASSUMPTION: neither agency publishes payment terms; 30 days net is the common municipal term.
PAYMENT_TERMS_DAYS = 30


@dataclass(frozen=True)
class Invoice:
    """One customer's invoice of one agency for one period."""

    number: str
    issued: date
    due: date
    agency_id: str
    agency_name: str
    customer_id: str
    customer: str
    first: date
    last: date
    items: tuple[InvoiceItem, ...]

    @property
    def total(self) -> Decimal:
        return sum((item.line.amount for item in self.items), Decimal("0.00"))

    @property
    def terms(self) -> str:
        return f"Net {PAYMENT_TERMS_DAYS} days: due {self.due.isoformat()}"


def quantity_text(quantity: Decimal, unit: str) -> str:
    """`8 h`, `4.5 h`, `12.25 mi`: no trailing zeros, a short unit."""
    text = format(quantity.normalize(), "f")
    return f"{text} {'h' if unit == 'hour' else 'mi'}"


def build_invoices(
    items: list[InvoiceItem], first: date | None, last: date | None, issued: date
) -> list[Invoice]:
    """Group invoice lines by agency and customer and number them per agency."""
    if not items:
        return []
    start = first or min(item.request_date for item in items)
    end = last or max(item.request_date for item in items)
    groups: dict[tuple[str, str, str], list[InvoiceItem]] = {}
    for item in items:
        groups.setdefault((item.agency, item.customer_id, item.customer), []).append(item)
    invoices: list[Invoice] = []
    seq: dict[str, int] = {}
    for (agency, customer_id, customer), mine in sorted(groups.items()):
        seq[agency] = seq.get(agency, 0) + 1
        invoices.append(Invoice(
            number=f"{agency.upper()}-{end:%Y%m%d}-{seq[agency]:03d}", issued=issued,
            due=issued + timedelta(days=PAYMENT_TERMS_DAYS), agency_id=agency,
            agency_name=resolve_agency(agency).name, customer_id=customer_id, customer=customer,
            first=start, last=end,
            items=tuple(sorted(mine, key=lambda i: (i.request_date, i.request_id))),
        ))
    return invoices


def _rows(invoice: Invoice) -> list[tuple[str, str, str, str, str, str]]:
    return [
        (item.request_id, item.request_date.isoformat(), str(item.as_record()["description"]),
         quantity_text(item.line.quantity, item.line.unit), f"{item.line.rate:.2f}",
         f"{item.line.amount:,.2f}")
        for item in invoice.items
    ]


def _header(invoice: Invoice) -> list[tuple[str, str]]:
    return [
        ("Invoice", invoice.number),
        ("Date", invoice.issued.isoformat()),
        ("From", invoice.agency_name),
        ("Bill to", f"{invoice.customer} ({invoice.customer_id})"),
        ("Period", f"{invoice.first.isoformat()} to {invoice.last.isoformat()}"),
        ("Terms", invoice.terms),
    ]


_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ccc;padding:4px;text-align:left}.n{text-align:right}"
    "table.head td{border:none;padding:1px 8px 1px 0}"
    "section{page-break-after:always;margin-bottom:3em}"
)


def invoices_html(invoices: list[Invoice]) -> str:
    """A printable page: one section per invoice, a page break between invoices."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>Invoices</title>"
             f"<style>{_STYLE}</style></head><body>"]
    for invoice in invoices:
        head = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>"
                       for k, v in _header(invoice))
        rows = "".join(
            "<tr>" + "".join(f"<td{' class=n' if i >= 3 else ''}>{html.escape(c)}</td>"
                             for i, c in enumerate(row)) + "</tr>"
            for row in _rows(invoice)
        )
        parts.append(
            f"<section><h1>Invoice {html.escape(invoice.number)}</h1>"
            f"<table class=head>{head}</table><p></p><table><tr><th>Request</th><th>Date</th>"
            "<th>Item</th><th class=n>Quantity</th><th class=n>Rate</th><th class=n>Amount</th>"
            f"</tr>{rows}<tr><th colspan=5>Total (USD)</th>"
            f"<th class=n>{invoice.total:,.2f}</th></tr></table></section>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


_WIDTHS = (24, 22, 70, 22, 20, 28)  # mm; A4 portrait with 12 mm margins leaves 186


def _latin(text: str) -> str:
    # The core PDF fonts are Latin-1; anything else prints as '?' rather than failing.
    return text.encode("latin-1", "replace").decode("latin-1")


def invoices_pdf(invoices: list[Invoice], path: Path) -> Path:
    """The same invoices as a PDF, each starting on its own page."""
    pdf = FPDF(format="A4")
    pdf.set_margins(12, 12, 12)
    # Dated by the invoices, not the clock: the same store and date give the same bytes.
    issued = invoices[0].issued if invoices else date(2000, 1, 1)
    pdf.set_creation_date(datetime.combine(issued, time(0), tzinfo=UTC))
    for invoice in invoices:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 10, _latin(f"Invoice {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
        for key, value in _header(invoice):
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(24, 6, key)
            pdf.set_font("Helvetica", "", 10)
            pdf.cell(0, 6, _latin(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        _pdf_row(pdf, ("Request", "Date", "Item", "Quantity", "Rate", "Amount"), bold=True)
        for row in _rows(invoice):
            _pdf_row(pdf, row)
        pdf.ln(1)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(sum(_WIDTHS[:5]), 8, "Total (USD)")
        pdf.cell(_WIDTHS[5], 8, f"{invoice.total:,.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _pdf_row(pdf: FPDF, cells: tuple[str, ...], bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 9)
    for i, (text, width) in enumerate(zip(cells, _WIDTHS, strict=True)):
        shown = _latin(text) if pdf.get_string_width(_latin(text)) < width - 1 else _latin(
            text[: int(width / 1.9)] + "...")
        last = i == len(_WIDTHS) - 1
        pdf.cell(width, 6, shown, border="B", align="R" if i >= 3 else "L",
                 new_x="LMARGIN" if last else "RIGHT", new_y="NEXT" if last else "TOP")
