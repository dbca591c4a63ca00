"""The model wing: the dosing data and its schema, units, the one regimen builder, the paper table.

Nothing here imports Sphinx or WeasyPrint; the Sphinx extensions, the book and the sheet read it.
"""
