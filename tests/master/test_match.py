"""``master match`` answers a record the same whether it comes alone or in a batch of a stream."""

from __future__ import annotations

from crmclean.master.match import Matcher

# One header set, mixed shapes: day/month order per country (a US row reads 03/04 month first, a
# Russian row day first, a row without a country by the auto order), dates that are not dates on
# their row's region, a bad e-mail, a phone without a country, empty values, and a known customer.
HEADER = ("first_name", "last_name", "email", "phone", "birth_date", "country", "city", "updated_at")
ROWS = [
    (
        "Ivan",
        "Petrov",
        "IVAN.PETROV@gmail.com",
        "+7 912 345 67 89",
        "12.03.1985",
        "RU",
        "Moscow",
        "2024-06-01",
    ),
    (
        "John",
        "Smith",
        "john.smith@example.com",
        "(212) 555-0100",
        "01/02/1970",
        "US",
        "New York",
        "01/05/2023",
    ),
    ("Mary", "Jones", "mary@@example.com", "+1 415 555 0199", "13/06/1989", "US", "Boston", None),
    ("Olga", "Novak", "olga.novak@example.cz", "602 123 456", "01.13.1961", "CZ", None, "2025-02-30"),
    ("Peter", "Brown", None, "+44 20 7946 0958", "03/04/1990", None, "London", "2025-01-02"),
    ("Anna", "Smirnova", "anna.smirnova@mail.ru", "8 903 111-22-33", "1990-07-01", "Россия", None, None),
    ("Dmitry", "Volkov", None, "8 925 123-45-67", "", "RU", "Novosibirsk", "2099-01-01"),
    (
        "Maria",
        "Sokolova",
        "m.sokolova@work.ru",
        "+7 921 777 88 99",
        "5 May 1995",
        "RU",
        "Moscow",
        "2024-05-05",
    ),
]
RECORDS = [dict(zip(HEADER, row, strict=True)) for row in ROWS]
# another header set in the same batch: the records are grouped per header, answered in order
RECORDS.insert(
    3, {"Имя": "Иван", "Фамилия": "Петров", "Телефон": "+7 912 345 67 89", "Дата рождения": "12.03.1985"}
)


def test_a_batch_answers_exactly_as_records_sent_alone(built_master):
    alone = Matcher(built_master)
    singles = [alone.match(r) for r in RECORDS]
    together = Matcher(built_master).match_many(RECORDS)
    assert together == singles  # codes, scores, findings and normalized values
    assert any(a["findings"] for a in singles) and all(a["normalized"] for a in singles)
    assert {a["customer_code"] for a in singles} - {"new"}  # some record matched the master
    # the same records again, alone after the batch: nothing a record left behind changes an answer
    assert [alone.match(r) for r in RECORDS] == singles
