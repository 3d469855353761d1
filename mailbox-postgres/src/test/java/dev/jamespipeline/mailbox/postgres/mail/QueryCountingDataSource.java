package dev.jamespipeline.mailbox.postgres.mail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/**
 * The real pooled DataSource, counting the statements prepared whose SQL contains a given text:
 * lets a test see how many queries reading a message makes, against the real database.
 */
final class QueryCountingDataSource {
    private final DataSource dataSource;
    private final String counted;
    private final AtomicInteger count = new AtomicInteger();

    QueryCountingDataSource(DataSource dataSource, String counted) {
        this.dataSource = dataSource;
        this.counted = counted;
    }

    int count() {
        return count.get();
    }

    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
            (proxy, method, arguments) -> {
                Object result = invoke(dataSource, method, arguments);
                return result instanceof Connection connection ? counting(connection) : result;
            });
    }

    private Connection counting(Connection connection) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
            (proxy, method, arguments) -> {
                if (method.getName().equals("prepareStatement") && ((String) arguments[0]).contains(counted)) {
                    count.incrementAndGet();
                }
                return invoke(connection, method, arguments);
            });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] arguments) throws Throwable {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
