# Example output of scripts/render_homebrew_formula.sh (placeholder version and checksums).
# Each release attaches the real formula as gait.rb; the tap Clyra-AI/homebrew-tap serves it.
#   bash scripts/render_homebrew_formula.sh --version v1.2.3 --checksums dist/release/checksums.txt --out Formula/gait.rb
class Gait < Formula
  desc "Offline-first policy gate and signed evidence for AI agent tool calls"
  homepage "https://github.com/Clyra-AI/gait"
  version "0.0.0"
  license "Apache-2.0"

  on_macos do
    if Hardware::CPU.arm?
      url "https://github.com/Clyra-AI/gait/releases/download/v0.0.0/gait_0.0.0_darwin_arm64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    else
      url "https://github.com/Clyra-AI/gait/releases/download/v0.0.0/gait_0.0.0_darwin_amd64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
  end

  on_linux do
    if Hardware::CPU.arm?
      url "https://github.com/Clyra-AI/gait/releases/download/v0.0.0/gait_0.0.0_linux_arm64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    else
      url "https://github.com/Clyra-AI/gait/releases/download/v0.0.0/gait_0.0.0_linux_amd64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
  end

  def install
    bin.install "gait"
  end

  test do
    assert_match "gait #{version}", shell_output("#{bin}/gait version")
    output = shell_output("#{bin}/gait demo --json")
    assert_match "\"run_id\"", output
  end
end
