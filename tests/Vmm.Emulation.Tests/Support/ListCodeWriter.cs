using Iced.Intel;

namespace Vmm.Emulation.Tests.Support;

/// <summary>Collects the bytes an Iced <see cref="Assembler"/> produces.</summary>
internal sealed class ListCodeWriter : CodeWriter
{
    public List<byte> Bytes { get; } = [];

    public override void WriteByte(byte value) => Bytes.Add(value);
}
