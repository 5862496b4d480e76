"""Fixtures for the PDF tests; the sample data itself lives in samples.py for the benchmarks."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.unit.pdf.samples import sample_submission_context
from webapp.pdf import render


@pytest.fixture
def submission_context() -> dict:
    return sample_submission_context(images=3)


@pytest.fixture(scope="module", autouse=True)
def _stop_pdf_worker():
    """Each test module starts from no worker and leaves none running."""
    render.shutdown()
    yield
    render.shutdown()


def read_pdf(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in read_pdf(pdf).pages)


def squash(text: str) -> str:
    """Drops all whitespace: the PDF wraps long answers wherever the line ends."""
    return "".join(text.split())
