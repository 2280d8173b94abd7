#!/usr/bin/env bash
# Regenerates assets/speech-48k.wav, the replacement speech sample that trace
# replays play through a trace's packet timing.
#
# Needs Debian's espeak-ng and sox (apt-get install -y espeak-ng sox). CI does
# not run this: the WAV it makes is committed, so only rerun it to change the
# sample, then update assets/README.md with the tool versions used.
#
# Deterministic: espeak-ng synthesis has no randomness, and sox runs in
# repeatable mode (-R) so its dither noise is seeded the same way every time.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
output="$repo_root/assets/speech-48k.wav"

# Two contrasting voices so the sample covers both a low and a high pitch
# range, which stresses time-stretching and concealment differently.
male_voice="en-us+m3"
female_voice="en-us+f3"

# Words per minute: espeak-ng's default (175) sounds rushed; 160 is closer to
# conversational speech and gives about 20 s for the sentences below.
words_per_minute=160

# Pause between sentences, in seconds. Real conversation has short gaps; the
# jitter buffer should see some, but none longer than ~300 ms, or the sample
# would spend its time on silence instead of on speech.
gap_seconds=0.25

# Level threshold below which sox treats audio as silence when trimming the
# padding espeak-ng leaves around each utterance (fraction of full scale).
trim_threshold="0.1%"

# Peak level of the final file, in dBFS: leaves headroom for the engine's
# concealment and mixing without clipping while still using most of the range.
peak_dbfs=-3

# Output format: the engine runs at 48 kHz mono, and 16-bit PCM WAV is what
# every reader (the replay tools, browsers, sox) understands.
output_rate=48000

sentences=(
  "$male_voice|The quick brown fox jumps over the lazy dog near the river bank."
  "$female_voice|Please call me back when you get this message, it is quite important."
  "$male_voice|Seven hundred and forty two people attended the meeting on Thursday."
  "$female_voice|Can you hear me clearly now, or is the line still breaking up?"
  "$male_voice|The weather forecast says rain in the morning and sunshine after lunch."
)

for tool in espeak-ng sox; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "make-speech.sh: $tool is not installed (apt-get install -y espeak-ng sox)" >&2
    exit 1
  fi
done

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

# espeak-ng speaks at 22050 Hz; every piece uses that rate until the final
# resample so the concatenation needs no conversion.
synth_rate=22050
sox -R -n -r "$synth_rate" -c 1 -b 16 "$work_dir/gap.wav" trim 0 "$gap_seconds"

pieces=()
index=0
for entry in "${sentences[@]}"; do
  voice="${entry%%|*}"
  text="${entry#*|}"
  raw="$work_dir/raw-$index.wav"
  trimmed="$work_dir/sentence-$index.wav"
  espeak-ng -v "$voice" -s "$words_per_minute" -w "$raw" "$text"
  # Trim the leading and trailing silence espeak-ng adds, so the only gaps
  # are the ones we insert on purpose.
  sox -R "$raw" "$trimmed" \
    silence 1 0.01 "$trim_threshold" \
    reverse silence 1 0.01 "$trim_threshold" reverse
  if [ "$index" -gt 0 ]; then
    pieces+=("$work_dir/gap.wav")
  fi
  pieces+=("$trimmed")
  index=$((index + 1))
done

mkdir -p "$(dirname "$output")"
sox -R "${pieces[@]}" -r "$output_rate" -c 1 -b 16 -e signed-integer "$output" \
  rate -v "$output_rate" gain -n "$peak_dbfs"

echo "wrote $output"
soxi "$output"
