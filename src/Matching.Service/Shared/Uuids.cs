using System.Security.Cryptography;
using System.Text;

namespace Matching.Service.Shared;

/// <summary>UUIDs from bytes we choose rather than from the clock: the same input, the same id (RFC 9562).</summary>
public static class Uuids
{
    /// <summary>
    /// Version 8, name-based: the first 16 bytes of SHA-256 over the name's UTF-8 (RFC 9562 B.2, where SHA-256 takes
    /// version 5's SHA-1 place), read in .NET's byte order as every id issued so far was. The name carries its own
    /// prefix ("intake:…"), so two kinds of names never give the same id.
    /// </summary>
    public static Guid NameBased(string name) => Stamped(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16), version: 8);

    /// <summary>Sixteen bytes with the version nibble and the RFC variant bits set.</summary>
    public static Guid Stamped(ReadOnlySpan<byte> sixteen, int version)
    {
        if (sixteen.Length != 16) throw new ArgumentException("A UUID is 16 bytes.", nameof(sixteen));
        if (version is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(version));
        Span<byte> bytes = stackalloc byte[16];
        sixteen.CopyTo(bytes);
        // Byte 7 holds the version's high nibble once .NET writes the third field little-endian.
        bytes[7] = (byte)((bytes[7] & 0x0F) | (version << 4));
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
