using System.Buffers.Binary;
using System.Text;

namespace VpcSecTools.FlowLogs.Parquet;

/// <summary>
/// Reads Thrift's compact protocol, in which Parquet writes its footer and page headers: fields as (id delta, type)
/// bytes, integers as zigzag varints, strings and binaries length-prefixed, lists with a size and element type.
/// Unknown fields are skipped by their type, so newer writers' additions are read past.
/// </summary>
internal ref struct ThriftReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;
    private short _lastField;
    private int _depth;

    public const byte Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12;

    /// <summary>How many bytes have been read.</summary>
    public readonly int Position => _at;

    /// <summary>The next field of the current struct: its id and type, or type <see cref="Stop"/> at the struct's end.</summary>
    public (short Id, byte Type) Field()
    {
        byte head = Next();
        byte type = (byte)(head & 0x0F);
        if (type == Stop) return (0, Stop);
        int delta = head >> 4;
        _lastField = delta != 0 ? (short)(_lastField + delta) : (short)ZigZag(Varint());
        return (_lastField, type);
    }

    /// <summary>Enters a nested struct (its fields are numbered afresh); <see cref="EndStruct"/> leaves it.</summary>
    public short BeginStruct()
    {
        if (++_depth > 32) throw new ParquetFormatException("the Thrift data nests deeper than any Parquet footer");
        short outer = _lastField;
        _lastField = 0;
        return outer;
    }

    public void EndStruct(short outer)
    {
        _depth--;
        _lastField = outer;
    }

    /// <summary>A boolean field's value is in its type.</summary>
    public static bool Boolean(byte type) => type == True;

    public int I32Value() => (int)ZigZag(Varint());

    public long I64Value() => ZigZag(Varint());

    public ReadOnlySpan<byte> BinaryValue()
    {
        ulong length = Varint();
        if (length > (ulong)(_data.Length - _at)) throw new ParquetFormatException("a Thrift string runs past the end of its data");
        var value = _data.Slice(_at, (int)length);
        _at += (int)length;
        return value;
    }

    public string StringValue() => Encoding.UTF8.GetString(BinaryValue());

    /// <summary>A list's element type and size.</summary>
    public (byte Type, int Count) ListHeader()
    {
        byte head = Next();
        int count = head >> 4;
        if (count == 15) count = checked((int)Varint());
        if (count > _data.Length - _at && (head & 0x0F) is not (True or False))
            throw new ParquetFormatException("a Thrift list claims more elements than its data holds");
        return ((byte)(head & 0x0F), count);
    }

    /// <summary>Reads past a value of <paramref name="type"/>.</summary>
    public void Skip(byte type)
    {
        switch (type)
        {
            case True or False:
                return;
            case Byte:
                Next();
                return;
            case I16 or I32 or I64:
                Varint();
                return;
            case Double:
                Take(8);
                return;
            case Binary:
                BinaryValue();
                return;
            case List or Set:
                var (element, count) = ListHeader();
                for (int i = 0; i < count; i++) SkipElement(element);
                return;
            case Map:
                int size = checked((int)Varint());
                if (size == 0) return;
                byte kinds = Next();
                for (int i = 0; i < size; i++)
                {
                    SkipElement((byte)(kinds >> 4));
                    SkipElement((byte)(kinds & 0x0F));
                }
                return;
            case Struct:
                var outer = BeginStruct();
                while (Field() is var (_, t) && t != Stop) Skip(t);
                EndStruct(outer);
                return;
            default:
                throw new ParquetFormatException($"unknown Thrift type {type}");
        }
    }

    /// <summary>A list element: booleans in lists take a byte each.</summary>
    private void SkipElement(byte type)
    {
        if (type is True or False) Next();
        else Skip(type);
    }

    /// <summary>A boolean list element.</summary>
    public bool BooleanElement() => Next() == True;

    private byte Next()
    {
        if (_at >= _data.Length) throw new ParquetFormatException("the Thrift data ends in the middle of a value");
        return _data[_at++];
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n > _data.Length - _at) throw new ParquetFormatException("the Thrift data ends in the middle of a value");
        var s = _data.Slice(_at, n);
        _at += n;
        return s;
    }

    private ulong Varint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = Next();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new ParquetFormatException("a Thrift integer is longer than 10 bytes");
    }

    private static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    /// <summary>A little-endian value of a statistic (min/max of INT32 or INT64 columns).</summary>
    public static long? Integer(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        8 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
        _ => null,
    };
}

/// <summary>A Parquet file that cannot be read: a damaged footer or page, or something this reader does not read.</summary>
internal sealed class ParquetFormatException(string message) : IOException(message);
