using System.Text;

namespace Vmm.Host.Configuration;

/// <summary>
/// QEMU's comma-separated option syntax (<c>-device</c>, <c>-fw_cfg</c>): parts separated by single commas, a
/// doubled comma (<c>,,</c>) standing for a literal comma inside a part.
/// </summary>
internal static class QemuOptionList
{
    public static List<string> Split(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != ',')
                current.Append(text[i]);
            else if (i + 1 < text.Length && text[i + 1] == ',')
                current.Append(text[++i]);
            else
            {
                parts.Add(current.ToString());
                current.Clear();
            }
        }
        parts.Add(current.ToString());
        return parts;
    }
}
