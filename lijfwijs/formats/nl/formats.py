"""Dutch date and number formats: `2 dec. 2026`, `2 dec. 2026, 14:05`, `5,7`.

Django's own Dutch formats write months in full ("2 december 2026"); the product writes them the
short Dutch way ("N" is the abbreviated month with its full stop: jan., feb., maart, … dec.).
"""

DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
SHORT_DATE_FORMAT = "j N"
SHORT_DATETIME_FORMAT = "j N, H:i"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
