from ragcore.specific_terms import specific_terms, unmatched_terms


def test_states_in_any_case_years_and_names_mid_sentence_are_specific():
    assert specific_terms("what's the max security deposit a landlord can charge in massachusetts?") == {
        "massachusetts"
    }
    assert specific_terms("How many Lyme disease cases did Connecticut report in 2025?") == {
        "lyme",
        "connecticut",
        "2025",
    }
    assert specific_terms("can I get workers' comp in New York or west virginia") == {"new york", "west virginia"}
    assert specific_terms("Does Princeton's honor code allow collaboration?") == {"princeton"}


def test_sentence_starts_acronyms_contractions_and_weekdays_are_not():
    assert specific_terms("Does my landlord have to return my deposit? Should I sue?") == set()
    assert specific_terms("do I need HIPAA authorization for my IEPs") == set()
    assert specific_terms("the collector said I'll get arrested by Friday") == set()
    assert specific_terms("Are HIV-related behaviours linked? Implications for care") == set()


def test_unmatched_terms_are_those_no_evidence_text_mentions():
    evidence = ["Security deposits", "Many states cap deposits; Massachusetts limits them to one month's rent."]
    assert unmatched_terms("deposit limit in massachusetts?", evidence) == set()
    assert unmatched_terms("deposit limit in Texas in 2024?", evidence) == {"texas", "2024"}
    assert unmatched_terms("how do deposits work", evidence) == set()


def test_the_name_of_a_law_is_not_a_specific_term():
    assert specific_terms("Under the Civil Rights Act of 1991, what is the cap on damages?") == set()
    assert specific_terms("Does the Bill of Rights protect my right to protest?") == set()
    assert specific_terms("What did the Civil Rights Act of 1964 change in Texas in 2010?") == {"texas", "2010"}
    # a name in two parts hides only its parts, not what the question says between them
    assert specific_terms("Does Title II cover a hotel in Atlanta under the Civil Rights Act?") == {"atlanta"}
