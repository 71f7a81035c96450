from accounts.models import County, Municipality


def test_estonia_has_15_counties_and_79_municipalities(db):
    assert County.objects.count() == 15
    assert Municipality.objects.count() == 79


def test_south_eastern_municipalities_belong_to_their_counties(db):
    by_county = {
        county: sorted(Municipality.objects.filter(county__name=county).values_list("name", flat=True))
        for county in ("Põlva maakond", "Valga maakond", "Võru maakond")
    }
    assert by_county["Põlva maakond"] == ["Kanepi vald", "Põlva vald", "Räpina vald"]
    assert by_county["Valga maakond"] == ["Otepää vald", "Tõrva vald", "Valga vald"]
    assert by_county["Võru maakond"] == ["Antsla vald", "Rõuge vald", "Setomaa vald", "Võru linn", "Võru vald"]
