using StaticNet.Generator.Model;

namespace StaticNet.Generator.Diagnostics;

/// <summary>Bounds the user text that diagnostic messages quote: a megabyte name is cut, not repeated whole.</summary>
internal static class MessageText
{
    /// <summary>Longest argument a message quotes, in UTF-16 units; longer ones end in an ellipsis.</summary>
    public const int MaxArgumentLength = 300;

    public static string Bound(string value)
    {
        if (value.Length <= MaxArgumentLength)
        {
            return value;
        }
        int cut = MaxArgumentLength;
        if (char.IsHighSurrogate(value[cut - 1]))
        {
            cut--;
        }
        return value.Substring(0, cut) + "…";
    }

    public static EquatableArray<string> Bound(EquatableArray<string> arguments)
    {
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i].Length > MaxArgumentLength)
            {
                string[] bounded = new string[arguments.Count];
                for (int k = 0; k < bounded.Length; k++)
                {
                    bounded[k] = Bound(arguments[k]);
                }
                return new EquatableArray<string>(bounded);
            }
        }
        return arguments;
    }
}
