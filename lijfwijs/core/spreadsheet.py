"""Text for a CSV file that a person opens in a spreadsheet program.

A cell that starts with "=", "+", "-" or "@" (or a tab or carriage return before one) is run as a
formula by Excel and LibreOffice: text someone else typed (a client's note or tag in the file
their practitioner opens, a visitor's name in an event's list) could then build links or reach
outside the file (OWASP, "CSV injection"). Such a cell is written with a leading quote, which the
spreadsheet shows as text. Files meant for programs keep their text exactly.
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: str) -> str:
    """`value` as a spreadsheet reads it as text, not as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value
