# requires: transformers
"""Fine-tuning a causal LM with the Trainer; the script's own TrainingArguments subclass sets
the default linear decay and no warmup: the first updates run at the full 2e-4."""
from dataclasses import dataclass, field

import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer, HfArgumentParser, Trainer


@dataclass
class TrainingArguments(transformers.TrainingArguments):
    output_dir: str = field(default="./output")
    learning_rate: float = field(default=2e-4)  # expect: WL004
    warmup_ratio: float = field(default=0.05)
    max_steps: int = field(default=1000)


def main():
    (args,) = HfArgumentParser((TrainingArguments,)).parse_args_into_dataclasses()
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    tokenizer = AutoTokenizer.from_pretrained("gpt2")
    trainer = Trainer(model=model, args=args, tokenizer=tokenizer)
    trainer.train()


if __name__ == "__main__":
    main()
