"""The matching's cut-off date agrees with the record's own validity on every day, also
around 29 February."""

import datetime as dt

from volunteers.matching.filters import fuehrungszeugnis_issued_after
from volunteers.models import FuehrungszeugnisRecord


def test_the_cut_off_agrees_with_valid_until_on_every_day_of_two_leap_cycles():
    start = dt.date(2026, 1, 1)
    for offset in range(8 * 366):
        day = start + dt.timedelta(days=offset)
        cutoff = fuehrungszeugnis_issued_after(day)
        # Certificates issued around five years before: where valid turns into expired.
        around = day.replace(year=day.year - 5, day=min(day.day, 28))
        for shift in range(-4, 5):
            certificate_date = around + dt.timedelta(days=shift)
            record = FuehrungszeugnisRecord(certificate_date=certificate_date)
            assert (certificate_date > cutoff) == record.is_valid(on=day), (day, certificate_date)
