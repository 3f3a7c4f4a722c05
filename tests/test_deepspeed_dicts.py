"""DeepSpeed config dicts inside scripts: read as the run's schedule, judged by the config rules."""

from __future__ import annotations

import pytest
from conftest import dedent, diagnostics, found

from warmlint.api import fix_source
from warmlint.config import Config
from warmlint.files.prefilter import builds_what_rules_need

ENGINE_LOOP = """
def main(model, batches):
    engine, _, _, _ = deepspeed.initialize(model=model, config=ds_config)
    for step in range({steps}):
        engine.backward(engine(next(batches)))
        engine.step()
"""


def engine_script(scheduler: str, steps: str = "1000", extra: str = "") -> str:
    return f'import deepspeed\n\nds_config = {{"train_batch_size": 8, {extra}"scheduler": {scheduler}}}\n\n' + dedent(
        ENGINE_LOOP.format(steps=steps)
    )


WARMUP_LR = '{"type": "WarmupLR", "params": {"warmup_num_steps": 100}}'


def test_warmuplr_in_a_dict_is_reported_at_its_type_key():
    script = engine_script(WARMUP_LR)
    (diagnostic,) = diagnostics(script)
    column = script.splitlines()[2].index('"type"') + 1
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("WL003", 3, column)
    assert "holds it for the rest of training" in diagnostic.message
    assert diagnostic.fixable


def test_the_fix_adds_the_runs_length_from_the_loop():
    fixed = fix_source(engine_script(WARMUP_LR), config=Config(line_length=120))  # the dict stays on one line
    assert '"type": "WarmupDecayLR", "params": {"warmup_num_steps": 100, "total_num_steps": 1000}' in fixed
    assert found(fixed) == set()


def test_gradient_accumulation_divides_the_engine_steps():
    script = engine_script(WARMUP_LR, extra='"gradient_accumulation_steps": 4, ')
    assert '"total_num_steps": 1000 // 4' in fix_source(script)
    longer = '{"type": "WarmupDecayLR", "params": {"warmup_num_steps": 100, "total_num_steps": 1000}}'
    assert found(engine_script(longer, extra='"gradient_accumulation_steps": 4, ')) == set()  # 250 optimizer steps


def test_accumulation_that_depends_on_the_world_size_leaves_the_run_unknown():
    short = '{"type": "WarmupDecayLR", "params": {"total_num_steps": 10}}'
    assert found(engine_script(short, extra='"train_micro_batch_size_per_gpu": 2, ')) == set()


def test_a_decay_shorter_than_the_loop_is_wl010_and_says_what_follows():
    (diagnostic,) = diagnostics(engine_script('{"type": "WarmupCosineLR", "params": {"total_num_steps": 400}}'))
    assert diagnostic.code == "WL010"
    assert "reaches its minimum (cos_min_ratio of the peak) after step 400" in diagnostic.message
    assert '"total_num_steps": 1000' in fix_source(
        engine_script('{"type": "WarmupCosineLR", "params": {"total_num_steps": 400}}')
    )


def test_a_warmup_at_least_the_loop_is_wl009_and_is_shortened():
    scheduler = '{"type": "WarmupDecayLR", "params": {"warmup_num_steps": 2000, "total_num_steps": 1000}}'
    assert {code for _, code in found(engine_script(scheduler))} == {"WL009"}
    assert '"warmup_num_steps": 50' in fix_source(engine_script(scheduler))


@pytest.mark.parametrize(
    "scheduler",
    [
        '{"type": "WarmupDecayLR", "params": {"warmup_num_steps": "auto", "total_num_steps": "auto"}}',
        '{"type": "WarmupCosineLR", "params": {"warmup_num_steps": 10, "total_num_steps": args.total}}',
        '{"type": "OneCycle", "params": {"cycle_first_step_size": 100}}',
    ],
    ids=["auto", "unresolved", "onecycle"],
)
def test_unknown_values_and_unjudged_types_are_silent(scheduler):
    assert found(engine_script(scheduler)) == set()


def test_a_run_whose_length_is_unknown_gets_no_fix_and_the_reason():
    (diagnostic,) = diagnostics(engine_script(WARMUP_LR, steps="len(loader)"))
    assert not diagnostic.fixable
    assert "does not say how many optimizer steps the run takes" in diagnostic.no_fix_reason


def test_a_dict_handed_to_the_trainer_gets_auto():
    source = """
        from transformers import TrainingArguments

        args = TrainingArguments(
            output_dir="out",
            max_steps=100,
            deepspeed=dict(scheduler=dict(type="WarmupLR", params=dict(warmup_num_steps=500))),
        )
    """
    codes = {code for _, code in found(source)}
    assert codes == {"WL003", "WL009"}  # the Trainer's max_steps is the run
    fixed = fix_source(dedent(source), config=Config(line_length=120))  # the call stays on one line
    assert 'type="WarmupDecayLR", params=dict(warmup_num_steps=5, total_num_steps="auto")' in fixed


def test_a_literal_of_deepspeeds_schema_counts_without_a_call_and_a_lookalike_does_not():
    schema = 'config = {"zero_optimization": {"stage": 1}, "scheduler": {"type": "WarmupLR"}}\n'
    assert found(schema) == {(1, "WL003")}
    assert builds_what_rules_need(schema.encode())
    lookalike = 'config = {"model": "resnet", "scheduler": {"type": "WarmupLR"}}\n'
    assert found(lookalike) == set()
    nested = 'run = {"name": "a", "deepspeed": {"optimizer": {"type": "Adam"}, "scheduler": {"type": "WarmupLR"}}}\n'
    assert found(nested) == {(1, "WL003")}


def test_a_dict_reached_through_names_and_a_spread_dict():
    through = """
        import deepspeed
        scheduler = {"type": "WarmupLR", "params": {"warmup_num_steps": 10}}
        deepspeed.initialize(model=model, config={"scheduler": scheduler})
    """
    assert found(through) == {(2, "WL003")}
    spread = """
        import deepspeed
        deepspeed.initialize(model=model, config={**base, "scheduler": {"type": "WarmupLR"}})
    """
    assert found(spread) == set()


def test_a_suppression_on_the_key_line_hides_it():
    source = engine_script(WARMUP_LR).replace("\n\ndef main", "  # warmlint: ignore[WL003]\n\ndef main", 1)
    assert found(source) == set()


TRAINER = """
from transformers import AutoModelForCausalLM, Trainer, TrainingArguments


def main():
    model = AutoModelForCausalLM.from_pretrained({name})
    args = TrainingArguments(output_dir="out", learning_rate=1e-3{extra})
    Trainer(model=model, args=args).train()
"""


@pytest.mark.parametrize(
    ("extra", "code"),
    [(', lr_scheduler_type="constant"', "WL001"), ("", "WL004")],
)
def test_trainer_keywords_on_a_real_run_are_judged_on_their_lr(extra, code):
    assert {c for _, c in found(TRAINER.format(name='"meta-llama/Llama-3.1-8B"', extra=extra))} == {code}


@pytest.mark.parametrize(
    "name",
    ['"hf-internal-testing/tiny-random-gpt2"', "TINY", "model_id"],
    ids=["literal", "constant", "unknown"],
)
def test_trainer_keywords_on_a_test_checkpoint_are_silent(name):
    source = 'TINY = "trl-internal-testing/tiny-Qwen2ForCausalLM-2.5"\n' + TRAINER.format(name=name, extra="")
    if name == "model_id":  # a test function's parameter, in a test
        source = source.replace("def main():", "def test_main(model_id):")
    assert found(source) == set()


def test_a_dict_given_to_hf_deepspeed_config_and_then_the_engine_decays_over_the_engine_loop():
    script = engine_script(WARMUP_LR).replace(
        "    engine, _, _, _", "    HfDeepSpeedConfig(ds_config)\n    engine, _, _, _"
    )
    script = script.replace(
        "import deepspeed\n", "import deepspeed\nfrom transformers.integrations import HfDeepSpeedConfig\n"
    )
    assert '"total_num_steps": 1000' in fix_source(script)


@pytest.mark.parametrize(
    "change",
    [
        'ds_config["scheduler"]["params"]["total_num_steps"] = 10\n',
        'ds_config.update(scheduler={"type": "WarmupLR"})\n',
    ],
    ids=["subscript", "update"],
)
def test_a_dict_the_script_changes_after_building_it_is_not_read(change):
    scheduler = '{"type": "WarmupDecayLR", "params": {"warmup_num_steps": 10, "total_num_steps": 100}}'
    script = engine_script(scheduler).replace("\n\ndef main", "\n" + change + "\n\ndef main", 1)
    assert found(script) == set()
    assert {code for _, code in found(engine_script(scheduler))} == {"WL010"}  # unchanged, it is read


def test_an_added_keyword_does_not_copy_the_comment_of_the_line_before():
    source = (
        TRAINER.format(name='"meta-llama/Llama-3.1-8B"', extra="")
        .replace("learning_rate=1e-3)", "learning_rate=1e-3,  # tuned\n        num_train_epochs=1,\n    )")
        .replace('output_dir="out", ', 'output_dir="out",\n        ')
    )
    fixed = fix_source(source)
    assert fixed.count("# tuned") == 1
    assert "        num_train_epochs=1,\n        warmup_ratio=0.05,\n    )" in fixed
