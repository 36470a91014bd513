namespace OldJsonPlugin;

public sealed class JsonVersionOptions
{
    public ulong Port { get; set; } = 0x510;
}
