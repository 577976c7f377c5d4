from krs_app.domain import password_policy as policy


def test_a_long_uncommon_password_is_accepted():
    assert policy.password_problem("ตั้งใจทำงาน2569", "spm07") is None
    assert policy.password_problem("Blue-Kettle-Sings-42", "kpi") is None


def test_shorter_than_ten_is_refused():
    assert policy.password_problem("Abc12345!", "kpi") == policy.TOO_SHORT
    assert policy.password_problem("", "kpi") == policy.TOO_SHORT


def test_the_most_common_passwords_are_refused_whatever_the_case():
    for common in ("1234567890", "password123", "qwertyuiop", "Password123", "QWERTYUIOP"):
        assert policy.password_problem(common, "kpi") == policy.TOO_COMMON, common


def test_the_bundled_list_holds_thousands_and_only_lowercase_entries():
    words = policy.common_passwords()
    assert len(words) > 1500
    assert all(w == w.lower() and not w.startswith("#") for w in words)


def test_the_username_inside_the_password_is_refused():
    assert policy.password_problem("spm07-is-my-office", "spm07") == policy.HAS_USERNAME


def test_one_character_repeated_and_edge_spaces_are_refused():
    assert policy.password_problem("aaaaaaaaaaaa", "kpi") == policy.ONE_CHARACTER
    assert policy.password_problem(" Blue-Kettle-Sings", "kpi") == policy.EDGE_SPACES


def test_too_long_is_refused():
    assert policy.password_problem("Ab1-" * 40, "kpi") == policy.TOO_LONG
