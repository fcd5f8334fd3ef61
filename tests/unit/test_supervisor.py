from bot.process.supervisor import credentials_for, services


def test_telegram_is_on_only_with_a_token(tmp_path):
    assert credentials_for({}) == "credentials.yml"
    env = {"TELEGRAM_TOKEN": "123:abc"}
    assert credentials_for(env) == "credentials-telegram.yml" and env["TELEGRAM_API_SERVER"] == ""
    rasa = next(s for s in services({"actions": 1, "rasa": 2, "web": 3}, tmp_path,
                                    credentials="credentials-telegram.yml") if s.name == "rasa")
    assert rasa.argv[rasa.argv.index("--credentials") + 1] == "credentials-telegram.yml"
    assert "--enable-api" not in rasa.argv  # the HTTP API needs a token
