# Predefined by Epoch (do not define them yourself): ROWS, COLS, CHANNELS, INPUT_SHAPE, BATCH_SIZE,
# class_names, class_num, train_data, validation_data, test_data.
import tensorflow as tf
import matplotlib.pyplot as plt
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers, optimizers, metrics, Sequential
from tensorflow.keras.layers import *

model = tf.keras.Sequential([
    tf.keras.layers.Input(INPUT_SHAPE),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(256, activation='sigmoid'),
    tf.keras.layers.Dense(class_num, activation='softmax')
])
model.summary()

model.compile(
    'SGD',
    loss='categorical_crossentropy',
    metrics=['accuracy']
)

history = model.fit(train_data,
    validation_data=validation_data,
    epochs=10,
         )

acc = history.history['accuracy']
val_acc = history.history['val_accuracy']

epochs = range(len(acc))
plt.plot(epochs, acc, 'ro', label='Training acc')
plt.plot(epochs, val_acc, 'b', label='Validation acc')
plt.title('Training and validation accuracy')
plt.legend()  # Automatic detection of elements to be shown in the legend
plt.xlabel('Epochs')
plt.ylabel('Accuracy')
plt.figure()


