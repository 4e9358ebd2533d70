"""People the collective forgot (``!oubliemoi``, ``cagnotte forget``): each gets a pseudonym that
stands for them in every past row (``forgotten:7``, shown as "Ancien membre 7"). Nothing of who
they were is kept here."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from storage.clock import now
from storage.models.core import NO_REUSE


class ForgottenPerson(SQLModel, table=True):
    """One forgotten person: ``number`` names them (never given twice), ``pseudonym`` is the id
    that replaced theirs everywhere, ``by`` who asked (their pseudonym, or ``cli``)."""

    __tablename__ = "forgotten_person"
    __table_args__ = NO_REUSE

    number: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(unique=True, max_length=255)
    by: str = Field(default="", max_length=255)
    forgotten_at: dt.datetime = Field(default_factory=now)
