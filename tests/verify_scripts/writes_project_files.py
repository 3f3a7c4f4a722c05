"""A training script that rewrites its project as real ones do: checkpoints, logs, results, rotation.

Each write goes through a different API, and each is read back, so a redirection that loses a
write (or a read that misses it) makes the script raise. With ``--subprocess`` a child process
also overwrites ``notes.txt``, a write no in-process redirection can see.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import torch


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


model = torch.nn.Linear(4, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 10) * max(0.05, 1 - s / 40))

# open(): overwrite, append, read back.
with open("results.json", "w") as handle:
    json.dump({"loss": 0.5}, handle)
expect(json.load(open("results.json")) == {"loss": 0.5}, "results.json reads back")
with open("train.log", "a") as handle:
    handle.write("step 0\n")
expect(open("train.log").read().endswith("old line\nstep 0\n"), "train.log keeps its old lines")
# pathlib: write_text, write_bytes, open, touch, unlink, rename.
pathlib.Path("config.yaml").write_text("lr: 0.2\n")
pathlib.Path("data/tokens.bin").write_bytes(b"\x00" * 16)
with pathlib.Path("metrics.csv").open("a") as handle:
    handle.write("1,0.5\n")
pathlib.Path("data/stamp").touch()
pathlib.Path("data/old_shard.bin").unlink()
pathlib.Path("data/renamed.txt").rename("data/renamed_again.txt")
expect(pathlib.Path("config.yaml").read_text() == "lr: 0.2\n", "config.yaml reads back")
expect(not pathlib.Path("data/old_shard.bin").exists(), "an unlinked file is gone")
# torch.save over an existing checkpoint, and load it back.
torch.save(model.state_dict(), "ckpt/best.pt")
model.load_state_dict(torch.load("ckpt/best.pt"))
# os: remove, rename, replace, makedirs, mkdir, rmdir.
os.remove("ckpt/step_10.pt")
os.rename("ckpt/step_20.pt", "ckpt/step_20.old")
os.replace("ckpt/latest.pt", "ckpt/best_backup.pt")
os.makedirs("runs/exp1/plots", exist_ok=True)
os.mkdir("runs/exp1/logs")
os.rmdir("empty_dir")
expect(sorted(os.listdir("ckpt")) == ["best.pt", "best_backup.pt", "step_20.old"], f"ckpt is {os.listdir('ckpt')}")
# shutil: copy onto an existing file, copy2, copyfile, move, copytree, rmtree.
shutil.copy("config.yaml", "data")
shutil.copy2("results.json", "results_copy.json")
shutil.copyfile("results.json", "data/renamed_again.txt")
shutil.move("metrics.csv", "runs/metrics.csv")
shutil.copytree("runs", "runs_backup")
shutil.rmtree("cache")
expect(not os.path.exists("cache/entry.bin"), "a removed tree is gone")
expect(os.path.exists("runs_backup/exp1/logs"), "a copied tree is there")
if "--subprocess" in sys.argv:
    subprocess.run([sys.executable, "-c", "open('notes.txt', 'w').write('overwritten by a subprocess')"], check=True)

for step in range(40):
    loss = model(torch.randn(8, 4)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    if step % 10 == 0:
        with open("train.log", "a") as handle:
            handle.write(f"step {step}\n")
