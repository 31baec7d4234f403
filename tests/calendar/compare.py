"""Compares every day of the shipped holiday schedules, as the product
counts them (`shangliang admin calendar-days YEAR` on a fresh database),
with PyPI `chinesecalendar`, an independent record of the same State
Council notices.

Usage: python3 compare.py SHANGLIANG_BIN   (run by tests/calendar/run)
"""
import datetime
import subprocess
import sys
import tempfile
from pathlib import Path

import chinese_calendar

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent.parent / "crates/store/data/holiday-sources.csv"


def main(binary: str) -> int:
    years = [int(line.split(",")[0]) for line in SOURCES.read_text().splitlines()[1:] if line.strip()]
    wrong, checked = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/calendar.db?mode=rwc"
        subprocess.run([binary, "--database-url", url, "migrate"], check=True, capture_output=True)
        for year in years:
            out = subprocess.run([binary, "--database-url", url, "admin", "calendar-days", str(year)],
                                 check=True, capture_output=True, text=True).stdout
            for line in out.splitlines():
                day, working = line.split()
                date = datetime.date.fromisoformat(day)
                expected = chinese_calendar.is_workday(date)
                checked += 1
                if (working == "1") != expected:
                    wrong.append(f"{day}: ours {'working' if working == '1' else 'off'}, chinesecalendar {'working' if expected else 'off'}")
    if wrong:
        print("calendar differs from chinesecalendar:\n" + "\n".join(wrong))
        return 1
    print(f"calendar: {checked} days of {years[0]}–{years[-1]} agree with chinesecalendar {chinese_calendar.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
