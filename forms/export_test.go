package forms

// FixtureFor exports the fixture records to the external tests.
func FixtureFor(form string) Record { return fixtureFor(form) }
