using Iced.Intel;

namespace Vmm.Emulation.Tests.Differential.Harness;

/// <summary>Collects the bytes Iced's assembler emits.</summary>
internal sealed class ByteListCodeWriter : CodeWriter
{
    public List<byte> Bytes { get; } = [];

    public override void WriteByte(byte value) => Bytes.Add(value);
}
