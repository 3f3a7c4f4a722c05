"""What a `check` run prints: text, json and github (`text`), SARIF (`sarif`), and the long
page of each rule (`rule_docs`).
"""
