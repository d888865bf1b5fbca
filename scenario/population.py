"""The synthetic population register: households, ages, sexes, names, citizen ids and phones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import reference
from .geography import Geography
from .strings import digit_strings, join_words, unique_draws, vocabulary

EPOCH = dt.date(1970, 1, 1)


@dataclass
class People:
    household: np.ndarray  # int64 household index, people of a household are contiguous
    household_start: np.ndarray  # first person of each household (+ a final end)
    ward: np.ndarray  # int32 ward index
    age: np.ndarray  # int16 completed years at the start date
    male: np.ndarray  # bool
    birth_day: np.ndarray  # int32 days since 1970-01-01
    birth_province: np.ndarray  # int32 province index (from the citizen id)
    has_phone: np.ndarray  # bool
    citizen_id: np.ndarray  # int64 (12 digits with the leading 0), -1 for none
    phone: np.ndarray  # int64 (10 digits with the leading 0), -1 for none
    family: np.ndarray  # int16 index into family names
    middle: np.ndarray  # int16 index into the middle names of the person's sex
    given: np.ndarray  # int16 index into the given names of the person's sex

    def __len__(self) -> int:
        return len(self.ward)


def _household_sizes(rng: np.random.Generator, people: int) -> np.ndarray:
    sizes, shares = reference.household_sizes()
    estimate = int(people / float(sizes @ shares) * 1.1) + 16
    drawn = sizes[rng.choice(len(sizes), estimate, p=shares)]
    ends = np.cumsum(drawn)
    count = int(np.searchsorted(ends, people)) + 1
    drawn = drawn[:count].copy()
    drawn[-1] -= int(ends[count - 1] - people)
    return drawn[drawn > 0]


def _ages(rng: np.random.Generator, is_head: np.ndarray) -> np.ndarray:
    """Heads are adults; the others follow the pyramid adjusted so that everyone together matches it."""
    share, _ = reference.age_pyramid()
    ages = np.arange(100)
    head_p = np.where(ages >= 20, share, 0.0)
    head_p /= head_p.sum()
    h = is_head.mean()
    other_p = np.clip(share - h * head_p, 0, None)
    other_p /= other_p.sum()
    out = np.empty(len(is_head), dtype=np.int16)
    out[is_head] = rng.choice(100, int(is_head.sum()), p=head_p)
    out[~is_head] = rng.choice(100, int((~is_head).sum()), p=other_p)
    return out


PHONE_BY_AGE = np.interp(
    np.arange(100),
    [0, 9, 10, 14, 15, 17, 18, 59, 60, 69, 70, 99],
    [0, 0, 0.2, 0.2, 0.7, 0.7, 0.95, 0.95, 0.8, 0.8, 0.5, 0.3],
)


def build_people(geo: Geography, scale: float, start: dt.date, rng: np.random.Generator) -> People:
    total = int(round(scale * geo.ward_population.sum()))
    sizes = _household_sizes(rng, total)
    n_households = len(sizes)
    household_ward = np.sort(rng.choice(geo.n_wards, n_households, p=geo.ward_population / geo.ward_population.sum()))
    household = np.repeat(np.arange(n_households, dtype=np.int64), sizes)
    household_start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    is_head = np.zeros(total, dtype=bool)
    is_head[household_start[:-1]] = True
    ward = household_ward[household].astype(np.int32)

    age = _ages(rng, is_head)
    _, male_share = reference.age_pyramid()
    male = rng.random(total) < male_share[age]
    # birth date: completed age at the start date, uniform over the year before
    start_day = (start - EPOCH).days
    birth_day = (start_day - np.floor((age + rng.random(total)) * 365.2425)).astype(np.int32)

    province = geo.ward_province[ward]
    migrant = rng.random(total) < 0.15
    other_province = rng.choice(
        len(geo.province_code), total, p=geo.province_population / geo.province_population.sum()
    )
    birth_province = np.where(migrant, other_province, province).astype(np.int32)

    has_phone = rng.random(total) < PHONE_BY_AGE[age]
    no_id = rng.random(total) < 0.01
    citizen_id = _citizen_ids(rng, geo, birth_province, birth_day, male)
    citizen_id[no_id] = -1
    phone = np.full(total, -1, dtype=np.int64)
    phone[has_phone] = _phones(rng, int(has_phone.sum()))

    families = reference.family_names()
    family = rng.choice(len(families.names), total, p=families.probabilities).astype(np.int16)
    # most members carry the head's family name (children take the father's)
    inherit = (rng.random(total) < 0.6) & ~is_head
    family[inherit] = family[household_start[household[inherit]]]
    middle = np.empty(total, dtype=np.int16)
    given = np.empty(total, dtype=np.int16)
    for sex_code, mask in (("M", male), ("F", ~male)):
        m, g = reference.middle_names(sex_code), reference.given_names(sex_code)
        middle[mask] = rng.choice(len(m.names), int(mask.sum()), p=m.probabilities)
        given[mask] = rng.choice(len(g.names), int(mask.sum()), p=g.probabilities)
    return People(
        household=household,
        household_start=household_start,
        ward=ward,
        age=age,
        male=male,
        birth_day=birth_day,
        birth_province=birth_province,
        has_phone=has_phone,
        citizen_id=citizen_id,
        phone=phone,
        family=family,
        middle=middle,
        given=given,
    )


def _citizen_ids(
    rng: np.random.Generator, geo: Geography, birth_province: np.ndarray, birth_day: np.ndarray, male: np.ndarray
) -> np.ndarray:
    """12 digits: 0 + province code (2), century/sex digit, 2 digits of birth year, 6 random digits."""
    year = (np.datetime64("1970-01-01") + birth_day.astype("timedelta64[D]")).astype("datetime64[Y]").astype(
        np.int64
    ) + 1970
    century_sex = np.where(year >= 2000, 2, 0) + np.where(male, 0, 1)
    province_number = np.array([int(code) for code in geo.province_code], dtype=np.int64)[birth_province]
    prefix = province_number * 1000 + century_sex * 100 + year % 100
    return unique_draws(prefix, lambda r, n: r.integers(0, 1_000_000, n), rng, 1_000_000)


def _phones(rng: np.random.Generator, count: int) -> np.ndarray:
    prefixes, probabilities = reference.phone_prefixes()
    prefix = prefixes[rng.choice(len(prefixes), count, p=probabilities)]
    return unique_draws(prefix, lambda r, n: r.integers(0, 10_000_000, n), rng, 10_000_000)


def people_table(people: People, geo: Geography) -> pa.Table:
    n = len(people)
    families = reference.family_names()
    middle_vocab = reference.middle_names("M").names + reference.middle_names("F").names
    given_vocab = reference.given_names("M").names + reference.given_names("F").names
    middle = np.where(people.male, people.middle, people.middle + len(reference.middle_names("M").names))
    given = np.where(people.male, people.given, people.given + len(reference.given_names("M").names))
    full_name = join_words(
        vocabulary(families.names, people.family), vocabulary(middle_vocab, middle), vocabulary(given_vocab, given)
    )
    return pa.table(
        {
            "person_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "citizen_id": digit_strings(np.maximum(people.citizen_id, 0), 12, null=people.citizen_id < 0),
            "full_name": full_name,
            "birth_date": pa.array(people.birth_day.astype(np.int32), type=pa.int32()).cast(pa.date32()),
            "sex": vocabulary(("F", "M"), people.male.astype(np.int64)),
            "phone": digit_strings(np.maximum(people.phone, 0), 10, null=people.phone < 0),
            "household_id": pa.array(people.household + 1),
            "ward_code": vocabulary(list(geo.ward_code), people.ward),
        }
    )
