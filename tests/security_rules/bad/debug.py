"""Examples that engage-debug-true must flag."""

from flask import Flask

app = Flask(__name__)
# ruleid: engage-debug-true
app.debug = True
# ruleid: engage-debug-true
app.config["DEBUG"] = True
# ruleid: engage-debug-true
app.config.update(DEBUG=True, TESTING=False)


class LocalConfig:
    # ruleid: engage-debug-true
    DEBUG = True


if __name__ == "__main__":
    # ruleid: engage-debug-true
    app.run(host="127.0.0.1", debug=True)
