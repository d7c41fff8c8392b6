"""The catalog: tables, the engine, write and query functions. Imports nothing else of ours."""

from models import versioning

versioning.install()
