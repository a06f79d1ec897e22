"""Importing institutions, contacts, agreements and mobility participants from Excel or CSV:
read (readers.py), check every row against the database (one module per kind), show a preview,
then write all rows in one transaction or none (services.py), and undo a whole import."""
